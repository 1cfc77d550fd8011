import { Type, type Static } from '@sinclair/typebox';

// GET / and GET /_mock: where a person (the dashboard) or a program (this index) goes next.

export const HomeIndex = Type.Object({
  name: Type.Literal('crm-bulk-emulator'),
  version: Type.String(),
  links: Type.Object({
    dashboard: Type.String({ description: 'The dashboard page' }),
    docs: Type.String({ description: 'The API docs page (swagger-ui) for all three surfaces' }),
    openapi: Type.Object({
      close: Type.String({ description: "Close's OpenAPI document, as the emulator answers it" }),
      blueai: Type.String({ description: "BlueAI's OpenAPI document, as the emulator answers it" }),
      control: Type.String({ description: "The control API's OpenAPI document" }),
    }),
    health: Type.String(),
    control: Type.String({ description: "The control API's prefix" }),
    close: Type.String({ description: "Close's API prefix" }),
    blueai: Type.String({ description: "BlueAI's API prefix" }),
  }),
}, { description: 'Relative links (they work whatever host and port reach the emulator)' });
export type HomeIndexT = Static<typeof HomeIndex>;

export const HomeRedirect = Type.Null({ description: 'A browser (text/html in Accept, not outranked by application/json): 302 to the dashboard' });
