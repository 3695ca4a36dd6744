"""The public read API (`/api/v1`): the programme as JSON for other software, documented
by an OpenAPI document generated from the same schemas that serialise the responses."""
