// GET /openapi.json: the OpenAPI 3.1 description of every route the ingress serves.

/// The ingress's OpenAPI 3.1 document. Kept beside the routes it describes; the schemathesis
/// run in the tests checks that the server behaves as it says.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Switchyard ingress",
        "version": "1.0.0",
        "description": "Signed webhooks and producer events in, confirmed AMQP messages out. Every error is {\"error\":{\"code\",\"message\",\"field\"?}}."
      },
      "servers": [{"url": "/"}],
      "components": {
        "securitySchemes": {
          "apiKey": {"type": "http", "scheme": "bearer", "description": "A tenant API key: sy_... (switchyard keys create)."}
        },
        "headers": {
          "RetryAfter": {"description": "Seconds to wait before retrying.", "schema": {"type": "string", "pattern": "^[0-9]+$"}}
        },
        "schemas": {
          "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
              "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                  "code": {"type": "string"},
                  "message": {"type": "string"},
                  "field": {"type": "string"}
                }
              }
            }
          },
          "Event": {
            "type": "object",
            "required": ["type", "body"],
            "properties": {
              "type": {"type": "string", "description": "An event type from GET /v1/event-types."},
              "body": {"type": "object", "description": "The versioned body: {\"v\": 1, ...} with the type's fields."},
              "correlation_id": {"type": "string", "minLength": 1}
            }
          },
          "Accepted": {
            "type": "object",
            "required": ["message_id", "event_type"],
            "properties": {"message_id": {"type": "string"}, "event_type": {"type": "string"}}
          },
          "WebhookAnswer": {
            "type": "object",
            "required": ["status"],
            "properties": {
              "status": {"type": "string", "enum": ["accepted", "ignored"]},
              "message_id": {"type": "string"},
              "event_type": {"type": "string"},
              "reason": {"type": "string"}
            }
          }
        },
        "responses": {
          "Error": {"description": "The request was refused; nothing was accepted.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unavailable": {
            "description": "The broker or the database is unavailable; nothing was accepted.",
            "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "RateLimited": {
            "description": "This API key's request rate is exceeded.",
            "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          }
        }
      },
      "paths": {
        "/healthz": {
          "get": {
            "summary": "The process is up.",
            "responses": {"200": {"description": "Up.", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}}}}}
          }
        },
        "/readyz": {
          "get": {
            "summary": "The broker and the database are reachable.",
            "responses": {
              "200": {"description": "Ready.", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ready"}, "broker": {"type": "string"}, "database": {"type": "string"}}}}}},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/metrics": {
          "get": {
            "summary": "Prometheus metrics (text exposition format).",
            "responses": {"200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/openapi.json": {
          "get": {
            "summary": "This document.",
            "responses": {"200": {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        },
        "/v1/event-types": {
          "get": {
            "summary": "The event catalog: every type producers may publish, its body fields and an example.",
            "responses": {"200": {"description": "The catalog.", "content": {"application/json": {"schema": {"type": "object", "required": ["event_types"], "properties": {"event_types": {"type": "array", "items": {"type": "object"}}}}}}}}
          }
        },
        "/v1/events": {
          "post": {
            "summary": "Publish one event for the key's tenant; 202 after the broker's confirm.",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}},
            "responses": {
              "202": {"description": "Published and confirmed.", "content": {"application/json": {"schema": {"type": "object", "required": ["event"], "properties": {"event": {"$ref": "#/components/schemas/Accepted"}}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/events:batch": {
          "post": {
            "summary": "Publish 1 to 500 events for the key's tenant; 202 after every confirm.",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["events"], "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 500, "items": {"$ref": "#/components/schemas/Event"}}}}}}},
            "responses": {
              "202": {"description": "Published and confirmed.", "content": {"application/json": {"schema": {"type": "object", "required": ["events"], "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/Accepted"}}}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/webhooks/{source}": {
          "post": {
            "summary": "A signed webhook (Standard Webhooks) from the video-call vendor (tavus) or the build service (kiro).",
            "parameters": [
              {"name": "source", "in": "path", "required": true, "schema": {"type": "string"}},
              {"name": "webhook-id", "in": "header", "required": true, "schema": {"type": "string"}},
              {"name": "webhook-timestamp", "in": "header", "required": true, "schema": {"type": "string"}},
              {"name": "webhook-signature", "in": "header", "required": true, "schema": {"type": "string"}}
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
              "200": {"description": "Accepted and confirmed (or ignored); a redelivery gets the first answer.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookAnswer"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        }
      }
    }
    """#
}
