export default async function companyRoutes() {}
