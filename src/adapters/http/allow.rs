//! Which methods each API path accepts, so a 405 answer can carry the `Allow` header.

/// The methods each API path accepts, read from the OpenAPI document, so a 405 can say which
/// methods to use (`Allow`, as RFC 9110 requires).
#[derive(Debug, Clone, Default)]
pub struct AllowedMethods {
    /// Path templates split into segments (`{id}` matches any one segment) and their methods.
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl AllowedMethods {
    /// Reads `paths` from an OpenAPI document whose server prefix is `/api`.
    pub fn from_spec(spec: &str) -> Self {
        let doc: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
        let routes = doc["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .iter()
                    .map(|(path, ops)| {
                        let segments = path.trim_matches('/').split('/').map(str::to_string).collect();
                        let mut methods: Vec<String> = ops
                            .as_object()
                            .map(|o| o.keys().map(|m| m.to_ascii_uppercase()).collect())
                            .unwrap_or_default();
                        methods.sort();
                        if methods.iter().any(|m| m == "GET") {
                            methods.push("HEAD".into());
                        }
                        (segments, methods)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self { routes }
    }

    /// The `Allow` value for a request path such as `/api/vms/7`, if the path exists.
    pub fn for_path(&self, path: &str) -> Option<String> {
        let rest = path.strip_prefix("/api")?.trim_matches('/');
        let segments: Vec<&str> = rest.split('/').collect();
        self.routes
            .iter()
            .find(|(template, _)| {
                template.len() == segments.len()
                    && template
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| t == s || t.starts_with('{') && t.ends_with('}'))
            })
            .map(|(_, methods)| methods.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::AllowedMethods;

    #[test]
    fn allowed_methods_match_templated_paths_from_the_spec() {
        let spec = r#"{"paths":{"/health":{"get":{}},"/vms/{id}":{"get":{},"delete":{}}}}"#;
        let allowed = AllowedMethods::from_spec(spec);
        assert_eq!(allowed.for_path("/api/health").as_deref(), Some("GET, HEAD"));
        assert_eq!(allowed.for_path("/api/vms/42").as_deref(), Some("DELETE, GET, HEAD"));
        assert_eq!(allowed.for_path("/api/vms/42/start"), None);
        assert_eq!(allowed.for_path("/elsewhere"), None);
    }
}
