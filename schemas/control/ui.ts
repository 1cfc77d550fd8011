import { Type } from '@sinclair/typebox';

// GET /_mock/events and the dashboard's files (GET /_mock/ui…).

export const EventStream = Type.String({
  description: 'Server-Sent Events. First `event: hello` with every topic, then `event: change` with `{"topics": [...]}` ' +
    '(requests, jobs, data, faults, control) at most every 100 ms while something changes, and a `: ping` comment every 15 s. ' +
    'Refetch what changed through the control API.',
});

export const UiFileParams = Type.Object({ file: Type.String({ minLength: 1 }) });

/** A static file of the dashboard: HTML, JavaScript or CSS. */
export const UiFile = Type.String();
