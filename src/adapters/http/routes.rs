//! The API's routes as the spec describes them: which methods each path accepts, so a 405 answer
//! can carry the `Allow` header, and which operations read a request body, so only those refuse
//! an oversized one (413 is documented on exactly those).

/// One path template of the spec, split into segments (`{id}` matches any one segment).
#[derive(Debug, Clone)]
struct Route {
    segments: Vec<String>,
    /// Upper-case methods, sorted, with whether the operation reads a body.
    methods: Vec<(String, bool)>,
}

impl Route {
    fn matches(&self, segments: &[&str]) -> bool {
        self.segments.len() == segments.len()
            && self
                .segments
                .iter()
                .zip(segments)
                .all(|(t, s)| t == s || is_parameter(t))
    }

    /// How specific the route is, segment by segment (a literal beats a parameter), as routers
    /// choose: `/users/invitations` before `/users/{id}`.
    fn specificity(&self) -> Vec<bool> {
        self.segments.iter().map(|t| !is_parameter(t)).collect()
    }
}

fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// The routes of an OpenAPI document whose server prefix is `/api`.
#[derive(Debug, Clone, Default)]
pub struct ApiRoutes {
    routes: Vec<Route>,
}

fn segments(path: &str) -> Option<Vec<&str>> {
    Some(path.strip_prefix("/api")?.trim_matches('/').split('/').collect())
}

impl ApiRoutes {
    /// Reads `paths` from the document.
    pub fn from_spec(spec: &str) -> Self {
        let doc: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
        let routes = doc["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .iter()
                    .map(|(path, ops)| {
                        let mut methods: Vec<(String, bool)> = ops
                            .as_object()
                            .map(|o| {
                                o.iter()
                                    .map(|(m, op)| (m.to_ascii_uppercase(), op.get("requestBody").is_some()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        methods.sort();
                        Route {
                            segments: path.trim_matches('/').split('/').map(str::to_string).collect(),
                            methods,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self { routes }
    }

    /// The route that answers `path`: the most specific one that matches.
    fn route(&self, path: &str) -> Option<&Route> {
        let segments = segments(path)?;
        self.routes
            .iter()
            .filter(|r| r.matches(&segments))
            .max_by_key(|r| r.specificity())
    }

    /// The `Allow` value for a request path such as `/api/vms/7`, if the path exists.
    pub fn allow(&self, path: &str) -> Option<String> {
        let route = self.route(path)?;
        let mut methods: Vec<&str> = route.methods.iter().map(|(m, _)| m.as_str()).collect();
        if methods.contains(&"GET") {
            methods.push("HEAD");
        }
        Some(methods.join(", "))
    }

    /// Whether the operation answering `method` on `path` reads a request body.
    pub fn reads_body(&self, method: &str, path: &str) -> bool {
        self.route(path).is_some_and(|r| {
            r.methods
                .iter()
                .any(|(m, body)| *body && m.eq_ignore_ascii_case(method))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ApiRoutes;

    const SPEC: &str = r#"{"paths":{
        "/health":{"get":{}},
        "/vms/{id}":{"get":{},"delete":{}},
        "/vms":{"get":{},"post":{"requestBody":{}}},
        "/auth/{provider}":{"get":{}},
        "/auth/login":{"post":{"requestBody":{}}},
        "/users/{id}":{"patch":{"requestBody":{}}},
        "/users/invitations":{"get":{},"post":{"requestBody":{}}}
    }}"#;

    #[test]
    fn allowed_methods_match_templated_paths_from_the_spec() {
        let routes = ApiRoutes::from_spec(SPEC);
        assert_eq!(routes.allow("/api/health").as_deref(), Some("GET, HEAD"));
        assert_eq!(routes.allow("/api/vms/42").as_deref(), Some("DELETE, GET, HEAD"));
        assert_eq!(routes.allow("/api/vms/42/start"), None);
        assert_eq!(routes.allow("/elsewhere"), None);
    }

    #[test]
    fn a_literal_path_wins_over_a_parameter_in_the_same_place() {
        let routes = ApiRoutes::from_spec(SPEC);
        assert_eq!(
            routes.allow("/api/users/invitations").as_deref(),
            Some("GET, POST, HEAD")
        );
        assert_eq!(routes.allow("/api/users/42").as_deref(), Some("PATCH"));
        assert!(!routes.reads_body("PATCH", "/api/users/invitations"));
        assert!(routes.reads_body("POST", "/api/users/invitations"));
    }

    #[test]
    fn only_operations_with_a_request_body_read_one() {
        let routes = ApiRoutes::from_spec(SPEC);
        assert!(routes.reads_body("POST", "/api/vms"));
        assert!(routes.reads_body("post", "/api/vms/"));
        assert!(!routes.reads_body("GET", "/api/vms"));
        assert!(!routes.reads_body("DELETE", "/api/vms/42"));
        assert!(!routes.reads_body("POST", "/api/health"), "no such operation");
        assert!(routes.reads_body("POST", "/api/auth/login"));
        assert!(!routes.reads_body("GET", "/api/auth/github"));
        assert!(!routes.reads_body("POST", "/elsewhere"));
    }
}
