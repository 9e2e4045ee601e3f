//! Display preferences that outlive a reload: the colour theme and the large-type mode, kept
//! in the browser's local storage and applied as attributes on `<html>` (`data-theme`,
//! `data-text`) that the stylesheet keys on. Without a stored theme the page follows the
//! system's `prefers-color-scheme`.

/// Local-storage keys.
pub const THEME_KEY: &str = "stratoscope.theme";
pub const TEXT_KEY: &str = "stratoscope.text";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn value(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(v: &str) -> Option<Theme> {
        match v {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn other(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// What the page shows: the stored choice, else the system's.
pub fn effective(stored: Option<Theme>, system_dark: bool) -> Theme {
    stored.unwrap_or(if system_dark {
        Theme::Dark
    } else {
        Theme::Light
    })
}

/// The preferences as the page holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefs {
    pub theme: Theme,
    pub large_text: bool,
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;

    fn system_dark() -> bool {
        web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches())
    }

    pub fn load() -> Prefs {
        let stored = crate::storage::get;
        Prefs {
            theme: effective(
                stored(THEME_KEY).as_deref().and_then(Theme::parse),
                system_dark(),
            ),
            large_text: stored(TEXT_KEY).as_deref() == Some("large"),
        }
    }

    /// Sets the attributes on `<html>`. The theme attribute is always set, so the toggle's
    /// label and the page never disagree.
    pub fn apply(prefs: Prefs) {
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        let _ = root.set_attribute("data-theme", prefs.theme.value());
        let _ = root.set_attribute(
            "data-text",
            if prefs.large_text { "large" } else { "normal" },
        );
    }

    pub fn store(prefs: Prefs) {
        crate::storage::set(THEME_KEY, prefs.theme.value());
        crate::storage::set(TEXT_KEY, if prefs.large_text { "large" } else { "normal" });
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub fn load() -> Prefs {
        Prefs {
            theme: Theme::Light,
            large_text: false,
        }
    }

    pub fn apply(_: Prefs) {}

    pub fn store(_: Prefs) {}
}

pub use imp::{apply, load, store};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_choice_wins_over_the_system() {
        assert_eq!(effective(None, true), Theme::Dark);
        assert_eq!(effective(None, false), Theme::Light);
        assert_eq!(effective(Some(Theme::Light), true), Theme::Light);
        assert_eq!(effective(Some(Theme::Dark), false), Theme::Dark);
        for t in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(t.value()), Some(t));
            assert_eq!(t.other().other(), t);
        }
        assert_eq!(Theme::parse("purple"), None);
    }
}
