//! What a trail's event selectors add up to. CIS 3.1 asks for every management event, read and
//! write; CIS 3.8/3.9 for S3 object-level write/read events of every bucket. A selector that
//! narrows (a management-event source excluded, an event name or bucket prefix picked) does not
//! count as "every", whichever of the two selector styles expresses it.
//!
//! Both functions take the selectors with snake_case keys (`snake_keys`), so the CLI's
//! `EventSelectors` and AWS Config's `eventSelectors` read the same.

use serde_json::Value;

/// Which complete event streams the selectors deliver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub management_read: bool,
    pub management_write: bool,
    pub s3_object_read_all_buckets: bool,
    pub s3_object_write_all_buckets: bool,
}

impl Coverage {
    fn add(&mut self, management: bool, s3_all: bool, read: bool, write: bool) {
        if management {
            self.management_read |= read;
            self.management_write |= write;
        }
        if s3_all {
            self.s3_object_read_all_buckets |= read;
            self.s3_object_write_all_buckets |= write;
        }
    }
}

/// `arn:aws:s3` (the console's "all buckets") or `arn:aws:s3:::`, in any partition.
fn all_buckets(value: &str) -> bool {
    let v = value.trim().trim_end_matches(':');
    v.strip_prefix("arn:")
        .and_then(|rest| rest.strip_suffix(":s3"))
        .is_some_and(|partition| partition.starts_with("aws") && !partition.contains(':'))
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    }
}

/// Basic selectors: `read_write_type` (default All), `include_management_events` (default
/// true), `exclude_management_event_sources`, `data_resources`.
pub fn basic(selectors: &[Value]) -> Coverage {
    let mut c = Coverage::default();
    for s in selectors {
        let rw = s
            .get("read_write_type")
            .and_then(Value::as_str)
            .unwrap_or("All");
        let (read, write) = (
            matches!(rw, "All" | "ReadOnly"),
            matches!(rw, "All" | "WriteOnly"),
        );
        let management = s
            .get("include_management_events")
            .and_then(Value::as_bool)
            .unwrap_or(true)
            && strings(s.get("exclude_management_event_sources")).is_empty();
        let s3_all = s
            .get("data_resources")
            .and_then(Value::as_array)
            .is_some_and(|resources| {
                resources.iter().any(|r| {
                    r.get("type").and_then(Value::as_str) == Some("AWS::S3::Object")
                        && strings(r.get("values")).into_iter().any(all_buckets)
                })
            });
        c.add(management, s3_all, read, write);
    }
    c
}

/// Advanced selectors: each is an AND of field selectors; the selectors are ORed.
pub fn advanced(selectors: &[Value]) -> Coverage {
    let mut c = Coverage::default();
    for s in selectors {
        let Some(fields) = s.get("field_selectors").and_then(Value::as_array) else {
            continue;
        };
        let field = |name: &str| {
            fields
                .iter()
                .find(|f| f.get("field").and_then(Value::as_str) == Some(name))
        };
        let equals = |name: &str| field(name).map(|f| strings(f.get("equals")));
        let (read, write) = match equals("readOnly") {
            None => (true, true),
            Some(v) if v == ["true"] => (true, false),
            Some(v) if v == ["false"] => (false, true),
            Some(_) => (false, false),
        };
        // Any field beyond these narrows the selector to part of the stream.
        let others = |allowed: &[&str]| {
            fields.iter().any(|f| {
                let name = f.get("field").and_then(Value::as_str).unwrap_or("");
                !allowed.contains(&name)
            })
        };
        let category = equals("eventCategory").unwrap_or_default();
        let management = category == ["Management"] && !others(&["eventCategory", "readOnly"]);
        let arn_ok = field("resources.ARN").is_none_or(|f| {
            let only_starts_with = f
                .as_object()
                .is_some_and(|m| m.keys().all(|k| k == "field" || k == "starts_with"));
            only_starts_with && strings(f.get("starts_with")).into_iter().any(all_buckets)
        });
        let s3_all = category == ["Data"]
            && equals("resources.type").unwrap_or_default() == ["AWS::S3::Object"]
            && arn_ok
            && !others(&[
                "eventCategory",
                "resources.type",
                "readOnly",
                "resources.ARN",
            ]);
        c.add(management, s3_all, read, write);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::aws::snake_keys;
    use serde_json::json;

    fn b(v: Value) -> Coverage {
        basic(snake_keys(&v).as_array().expect("array"))
    }

    fn a(v: Value) -> Coverage {
        advanced(snake_keys(&v).as_array().expect("array"))
    }

    #[test]
    fn basic_defaults_and_narrowing() {
        let all = b(
            json!([{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []}]),
        );
        assert!(all.management_read && all.management_write);
        assert!(!all.s3_object_read_all_buckets && !all.s3_object_write_all_buckets);
        let write_only =
            b(json!([{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]));
        assert!(!write_only.management_read && write_only.management_write);
        let excluded = b(
            json!([{"ReadWriteType": "All", "IncludeManagementEvents": true,
            "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]),
        );
        assert!(!excluded.management_read && !excluded.management_write);
        // Two selectors together make up read + write.
        let split = b(json!([{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}]));
        assert!(split.management_read && split.management_write);
    }

    #[test]
    fn basic_s3_data_events() {
        let s3 = b(
            json!([{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": false,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]),
        );
        assert!(s3.s3_object_write_all_buckets && !s3.s3_object_read_all_buckets);
        assert!(!s3.management_write);
        let one_bucket = b(json!([{"ReadWriteType": "All",
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::example-logs/"]}]}]));
        assert!(!one_bucket.s3_object_read_all_buckets);
        let gov = b(json!([{"ReadWriteType": "ReadOnly",
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws-us-gov:s3:::"]}]}]));
        assert!(gov.s3_object_read_all_buckets);
        let lambda = b(
            json!([{"DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]),
        );
        assert!(!lambda.s3_object_read_all_buckets);
    }

    #[test]
    fn advanced_selectors() {
        let mgmt = a(
            json!([{"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]),
        );
        assert!(mgmt.management_read && mgmt.management_write);
        let read_only = a(
            json!([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "readOnly", "Equals": ["true"]}]}]),
        );
        assert!(read_only.management_read && !read_only.management_write);
        let no_kms = a(
            json!([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]}]),
        );
        assert!(!no_kms.management_read);
        let s3 = a(
            json!([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}, {"Field": "readOnly", "Equals": ["false"]}]}]),
        );
        assert!(s3.s3_object_write_all_buckets && !s3.s3_object_read_all_buckets);
        let prefix_all = a(
            json!([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::"]}]}]),
        );
        assert!(prefix_all.s3_object_read_all_buckets && prefix_all.s3_object_write_all_buckets);
        let one_bucket = a(
            json!([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::example-logs/"]}]}]),
        );
        assert!(!one_bucket.s3_object_read_all_buckets);
        let put_only = a(
            json!([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}, {"Field": "eventName", "Equals": ["PutObject"]}]}]),
        );
        assert!(!put_only.s3_object_write_all_buckets);
    }
}
