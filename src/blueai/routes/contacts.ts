export default async function contactRoutes() {}
