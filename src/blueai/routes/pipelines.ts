export default async function pipelineRoutes() {}
