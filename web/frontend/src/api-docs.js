// The API reference page (/api/docs): Swagger UI over the generated OpenAPI document.
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js';

const root = document.getElementById('swagger-ui');
SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root, deepLinking: true, validatorUrl: null });
