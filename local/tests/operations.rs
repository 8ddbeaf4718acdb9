//! The table of operations in `LOCAL-ENDPOINT.md` is the router's: every
//! operation served is listed, with whether it must be signed, and nothing
//! else is.

use std::collections::BTreeMap;

#[test]
fn the_documented_operations_are_exactly_those_the_router_serves() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../LOCAL-ENDPOINT.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let table = doc
        .split("<!-- operations -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- /operations -->").next())
        .expect("LOCAL-ENDPOINT.md has an operations table between its markers");
    let documented: BTreeMap<String, bool> = table
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let signed = match *cells.get(2)? {
                "yes" => true,
                "no" => false,
                other => panic!("signed is yes or no, not {other:?}"),
            };
            Some((name.to_owned(), signed))
        })
        .collect();
    let served: BTreeMap<String, bool> = cognito_srp_local::operations()
        .map(|(name, signed)| (name.to_owned(), signed))
        .collect();
    assert_eq!(documented, served);
    let count = format!("{} operations.", served.len());
    assert!(
        table.contains(&count) || doc.contains(&count),
        "the doc says {count}"
    );
}
