//! Form errors kept beside their fields.

use roei_domain::DomainError;

/// The errors of one form post, each naming its field (the `name` of the control).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// The first error of `field` (what the template shows beside it).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether `field` has an error (for `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The error summary at the top of a form: `(field, "label: message")`, one per field, in
    /// the form's order. `place` gives a field's position and label; a field it does not know
    /// comes last, with its message alone.
    pub fn summary(
        &self,
        place: impl Fn(&str) -> Option<(usize, String)>,
    ) -> Vec<(String, String)> {
        let mut out: Vec<(usize, String, String)> = Vec::new();
        for (field, message) in &self.0 {
            if out.iter().any(|(_, f, _)| f == field) {
                continue;
            }
            let (pos, text) = match place(field) {
                Some((pos, label)) => (pos, format!("{label}: {message}")),
                None => (usize::MAX, message.clone()),
            };
            out.push((pos, field.clone(), text));
        }
        out.sort_by_key(|(pos, _, _)| *pos);
        out.into_iter().map(|(_, f, t)| (f, t)).collect()
    }

    /// A use case's validation error, placed beside the field it names (`map` turns the
    /// domain's field path into the form's control name).
    pub fn from_domain(e: &DomainError, map: impl Fn(&str) -> String) -> Option<Self> {
        match e {
            DomainError::Invalid { field, problem } => {
                let mut errs = Self::default();
                errs.add(map(field), problem.clone());
                Some(errs)
            }
            DomainError::Incomplete(missing) => {
                let mut errs = Self::default();
                for m in missing {
                    errs.add(map(&m.field), m.label_ja.clone());
                }
                Some(errs)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_follows_the_form_and_names_each_field_once() {
        let mut e = FieldErrors::default();
        e.add("persons", "not a number");
        e.add("mystery", "odd");
        e.add("events", "choose one");
        e.add("persons", "again");
        let order = ["events", "persons"];
        let s = e.summary(|f| {
            order
                .iter()
                .position(|o| *o == f)
                .map(|i| (i, f.to_uppercase()))
        });
        assert_eq!(
            s,
            [
                ("events".to_owned(), "EVENTS: choose one".to_owned()),
                ("persons".to_owned(), "PERSONS: not a number".to_owned()),
                ("mystery".to_owned(), "odd".to_owned()),
            ]
        );
    }
}
