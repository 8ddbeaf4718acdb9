//! Pagination as Cognito pages: at most `MaxResults` (or `Limit`) items,
//! and a `NextToken` (or `PaginationToken`) when more follow. The token is
//! opaque to clients; here it is the last key returned, base64url, so a page
//! after deletions still starts where the last one ended, with no
//! duplicates.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{ApiError, invalid_parameter};

/// The page of `items` (sorted by key, ascending) after `token`, of at most
/// `max` items; the token of the next page, if any.
pub(crate) fn page<T>(
    mut items: Vec<(String, T)>,
    token: Option<&str>,
    max: usize,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let after = match token {
        None => None,
        Some(token) => Some(
            URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| invalid_parameter("Invalid pagination token"))?,
        ),
    };
    let mut rest = items
        .into_iter()
        .filter(|(key, _)| after.as_ref().is_none_or(|a| key > a))
        .peekable();
    let mut out = Vec::new();
    let mut last = None;
    while out.len() < max {
        let Some((key, item)) = rest.next() else {
            break;
        };
        last = Some(key);
        out.push(item);
    }
    let next = match (rest.peek(), last) {
        (Some(_), Some(last)) => Some(URL_SAFE_NO_PAD.encode(last)),
        _ => None,
    };
    Ok((out, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(keys: &[&str]) -> Vec<(String, String)> {
        keys.iter()
            .map(|k| (k.to_string(), k.to_string()))
            .collect()
    }

    #[test]
    fn pages_cover_every_item_once_in_order_and_the_last_has_no_token() {
        let all = items(&["c", "a", "e", "b", "d"]);
        let (first, token) = page(all.clone(), None, 2).unwrap();
        assert_eq!(first, ["a", "b"]);
        let (second, token) = page(all.clone(), token.as_deref(), 2).unwrap();
        assert_eq!(second, ["c", "d"]);
        let (third, token) = page(all, token.as_deref(), 2).unwrap();
        assert_eq!((third, token), (vec!["e".to_string()], None));
    }

    #[test]
    fn a_page_after_a_deletion_starts_where_the_last_ended() {
        let (_, token) = page(items(&["a", "b", "c"]), None, 1).unwrap();
        let (next, _) = page(items(&["b", "c"]), token.as_deref(), 1).unwrap();
        assert_eq!(next, ["b"]);
        let (next, _) = page(items(&["c"]), token.as_deref(), 1).unwrap();
        assert_eq!(next, ["c"]);
    }

    #[test]
    fn a_made_up_token_is_refused() {
        assert!(page(items(&["a"]), Some("***"), 1).is_err());
    }
}
