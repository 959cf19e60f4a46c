"""Request and response models of the REST API, by area. The OpenAPI document is generated from them; request
models check bodies and query strings before the views (the engine keeps its own checks)."""
