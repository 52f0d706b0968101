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
        "description": "Signed webhooks and producer events in, confirmed AMQP messages out; tenant-scoped jobs, generations and projects with live updates. Every error is {\"error\":{\"code\",\"message\",\"field\"?}}."
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
          },
          "Created": {
            "type": "object",
            "required": ["status", "created_at"],
            "properties": {
              "job_id": {"type": "string", "format": "uuid"},
              "generation_id": {"type": "string", "format": "uuid"},
              "status": {"const": "pending"},
              "credits_cost": {"type": "integer"},
              "created_at": {"type": "string", "format": "date-time"}
            }
          },
          "JobSummary": {
            "type": "object",
            "required": ["job_id", "workflow_id", "status", "created_at"],
            "properties": {
              "job_id": {"type": "string", "format": "uuid"},
              "workflow_id": {"type": "string"},
              "status": {"$ref": "#/components/schemas/JobStatus"},
              "current_step_id": {"type": ["string", "null"]},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"},
              "completed_at": {"type": ["string", "null"], "format": "date-time"}
            }
          },
          "JobStatus": {"type": "string", "enum": ["pending", "running", "completed", "failed", "awaiting_retry"]},
          "Job": {
            "allOf": [{"$ref": "#/components/schemas/JobSummary"}],
            "type": "object",
            "required": ["input", "step_data", "result", "error", "retry_count", "max_retries", "state_history"],
            "properties": {
              "input": {"description": "What the job was started with."},
              "step_data": {"type": "object", "description": "Each finished step's output by step id."},
              "result": {"description": "The last step's output once completed, else null."},
              "error": {"type": ["string", "null"]},
              "retry_count": {"type": "integer"},
              "max_retries": {"type": "integer"},
              "next_retry_at": {"type": ["string", "null"], "format": "date-time"},
              "state_history": {"type": "array", "items": {"type": "object", "required": ["status", "at"], "properties": {"status": {"type": "string"}, "step_id": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}}
            }
          },
          "Generation": {
            "type": "object",
            "required": ["generation_id", "user_id", "prompt", "slide_count", "status", "progress_percent", "credits_cost", "credits_charged", "created_at"],
            "properties": {
              "generation_id": {"type": "string", "format": "uuid"},
              "user_id": {"type": "string"},
              "prompt": {"type": "string"},
              "slide_count": {"type": "integer", "minimum": 1, "maximum": 10},
              "status": {"type": "string", "enum": ["pending", "running", "completed", "failed"]},
              "progress_percent": {"type": "integer", "minimum": 0, "maximum": 100},
              "progress_message": {"type": ["string", "null"]},
              "credits_cost": {"type": "integer"},
              "credits_charged": {"type": "boolean"},
              "result": {},
              "error": {"type": ["string", "null"]},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"},
              "completed_at": {"type": ["string", "null"], "format": "date-time"}
            }
          },
          "Project": {
            "type": "object",
            "required": ["project_id", "status", "build_events", "created_at"],
            "properties": {
              "project_id": {"type": "string", "format": "uuid"},
              "conversation_id": {"type": ["string", "null"]},
              "name": {"type": ["string", "null"]},
              "description": {"type": ["string", "null"]},
              "status": {"type": "string", "enum": ["analyzing", "planning", "ready_to_build", "building", "completed", "failed"]},
              "requirements": {},
              "plan": {},
              "priority": {"type": ["string", "null"]},
              "build_id": {"type": ["string", "null"]},
              "build_service_project_id": {"type": ["string", "null"]},
              "error": {"type": ["string", "null"]},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"},
              "completed_at": {"type": ["string", "null"], "format": "date-time"},
              "build_events": {"type": "array", "items": {"type": "object", "required": ["sequence", "kind"], "properties": {"sequence": {"type": "integer"}, "kind": {"type": "string", "enum": ["progress", "completed", "failed"]}, "progress": {"type": ["integer", "null"]}, "message": {"type": ["string", "null"]}, "received_at": {"type": "string", "format": "date-time"}}}}
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
          "EventStream": {
            "description": "Server-Sent Events: `id: <n>` (1, 2, 3... per subject), `event: status | progress | build_event`, `data: <JSON>`; replays what follows Last-Event-ID, follows new updates, ends after the subject completed or failed.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}}
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
              "403": {"$ref": "#/components/responses/Error"},
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
              "403": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/workflows/{workflow_id}/jobs": {
          "post": {
            "summary": "Start a job of a workflow (the built-in `echo` always exists); 201 once the job and its first step message are committed.",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "workflow_id", "in": "path", "required": true, "schema": {"type": "string"}, "examples": {"echo": {"value": "echo"}}}, {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"input": {"description": "Any JSON; {} when absent."}, "input_data": {"description": "The seed's name for input (give one of the two)."}}}}}},
            "responses": {
              "201": {"description": "Created.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/jobs": {
          "get": {
            "summary": "The caller's jobs, newest first.",
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "status", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/JobStatus"}},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
              {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string"}, "description": "next_cursor of the previous page."}
            ],
            "responses": {
              "200": {"description": "A page.", "content": {"application/json": {"schema": {"type": "object", "required": ["jobs", "next_cursor"], "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/JobSummary"}}, "next_cursor": {"type": ["string", "null"]}}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/jobs/{id}": {
          "get": {
            "summary": "A job with its input, step outputs, result and history.",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The job's id (a UUID); another tenant's is 404."}],
            "responses": {
              "200": {"description": "The job.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/jobs/{id}/events": {
          "get": {
            "summary": "Every status change and progress update of the job, live (Server-Sent Events).",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The job's id (a UUID); another tenant's is 404."}, {"name": "Last-Event-ID", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}}],
            "responses": {
              "200": {"$ref": "#/components/responses/EventStream"},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/generations": {
          "post": {
            "summary": "Request a carousel image generation for one of the tenant's users (one credit per slide; daily limit per user).",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["user_id", "prompt"], "additionalProperties": false, "properties": {"user_id": {"type": "string", "minLength": 1}, "prompt": {"type": "string", "minLength": 1, "maxLength": 2000}, "slide_count": {"type": "integer", "minimum": 1, "maximum": 10, "default": 5}}}}}},
            "responses": {
              "201": {"description": "Created.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}},
              "402": {"description": "The user's available credits don't cover the cost.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "429": {"description": "The key's rate or the user's daily limit is exceeded.", "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/generations/{id}": {
          "get": {
            "summary": "A generation with its progress.",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The generation's id (a UUID); another tenant's is 404."}],
            "responses": {
              "200": {"description": "The generation.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Generation"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/generations/{id}/events": {
          "get": {
            "summary": "Every status change and progress update of the generation, live (Server-Sent Events).",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The generation's id (a UUID); another tenant's is 404."}, {"name": "Last-Event-ID", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}}],
            "responses": {
              "200": {"$ref": "#/components/responses/EventStream"},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/projects": {
          "get": {
            "summary": "The caller's projects, newest first; conversation_id finds the project of one conversation.",
            "security": [{"apiKey": []}],
            "parameters": [
              {"name": "conversation_id", "in": "query", "required": false, "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}
            ],
            "responses": {
              "200": {"description": "Projects.", "content": {"application/json": {"schema": {"type": "object", "required": ["projects"], "properties": {"projects": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/projects/{id}": {
          "get": {
            "summary": "A project of the development pipeline with its build events in sequence order.",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The project's id (a UUID); another tenant's is 404."}],
            "responses": {
              "200": {"description": "The project.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Project"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/projects/{id}/events": {
          "get": {
            "summary": "Every status change and progress update of the project, live (Server-Sent Events).",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The project's id (a UUID); another tenant's is 404."}, {"name": "Last-Event-ID", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}}],
            "responses": {
              "200": {"$ref": "#/components/responses/EventStream"},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
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
              {"name": "webhook-id", "in": "header", "required": true, "schema": {"type": "string", "maxLength": 255}},
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
              "429": {"$ref": "#/components/responses/RateLimited"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        }
      }
    }
    """#
}
