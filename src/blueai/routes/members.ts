export default async function memberRoutes() {}
