// The API's service types (imported in contracts.ts) rely on the Request augmentation the API's
// app.ts brings in with pino-http (`req.id`); the SPA's type-check needs the same declarations.
import 'pino-http';
