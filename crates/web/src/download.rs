//! Files the page hands to the auditor, and the clock readings exports need.
//!
//! A download is a Blob URL clicked through an `<a download>`: nothing is fetched, and the
//! page's CSP (which only governs what the page loads) does not stand in the way. The engine
//! has no clock, so today's date and the current time come from here.

/// Offers `text` as a file named `name`. Errors say why the browser refused.
#[cfg(target_arch = "wasm32")]
pub fn save(name: &str, mime: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let fail = |what: &str, e: wasm_bindgen::JsValue| format!("{what}: {e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| fail("the file could not be made", e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| fail("the file could not be offered", e))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| fail("no link", e))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_hidden(true);
    if let Some(body) = document.body() {
        let _ = body.append_child(&anchor);
        anchor.click();
        let _ = body.remove_child(&anchor);
    }
    // The browser has taken the download by the next turn; a minute is generous.
    let revoke = url.clone();
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_secs(60)).await;
        let _ = web_sys::Url::revoke_object_url(&revoke);
    });
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn save(_name: &str, _mime: &str, _text: &str) -> Result<(), String> {
    Err("downloads need a browser".into())
}

/// Reads the file an `<input type=file>` change event chose, as text, then calls `done` with
/// its name and its text (or why it could not be read). The input is emptied so choosing the
/// same file again fires again.
pub fn read_chosen_text(
    e: &yew::Event,
    done: impl FnOnce(String, Result<String, String>) + 'static,
) {
    use yew::TargetCast;
    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
    let Some(file) = input.files().and_then(|l| l.get(0)) else {
        return;
    };
    input.set_value("");
    yew::platform::spawn_local(async move {
        let file = gloo_file::File::from(file);
        let name = file.name();
        let text = gloo_file::futures::read_as_text(&file)
            .await
            .map_err(|e| format!("{name}: {e}"));
        done(name, text);
    });
}

/// Today's local date, `YYYY-MM-DD`: what acceptances expire against and exports are dated.
pub fn today() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new_0();
        format!(
            "{:04}-{:02}-{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date()
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        "2026-01-31".to_string()
    }
}

/// Milliseconds since the Unix epoch, for event times (OCSF).
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}
