//! Bytes -> text with the right charset (placeholder until the real detector lands).

/// Decodes an HTML body.
pub fn decode_html(
    bytes: &[u8],
    _content_type: Option<&str>,
) -> (String, &'static encoding_rs::Encoding) {
    let (text, encoding, _) = encoding_rs::UTF_8.decode(bytes);
    (text.into_owned(), encoding)
}
