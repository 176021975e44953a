//! `tollgate parse`: the JSON each input becomes, for policy authors.

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};
use tollgate_engine::input;

use crate::args::ParseArgs;
use crate::inputs;
use crate::output::outln;

pub fn run(args: &ParseArgs) -> Result<u8> {
    let limits = args.input.limits(std::time::Duration::from_secs(5));
    let targets = inputs::targets(&args.paths, &args.input)?;
    let mut parsed = Vec::new();
    for target in &targets {
        match input::load(&target.path, target.format, &limits) {
            Ok(file) => parsed.push(file),
            Err(error) => bail!("{error}"),
        }
    }
    let value = if args.combine {
        let mut entries: Vec<Value> = parsed
            .iter()
            .flat_map(|f| {
                f.documents
                    .iter()
                    .map(|d| json!({"path": f.path, "contents": d.value}))
            })
            .collect();
        entries.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
        Value::Array(entries)
    } else {
        let as_value = |file: &input::InputFile| match file.documents.as_slice() {
            [single] => single.value.clone(),
            documents => Value::Array(documents.iter().map(|d| d.value.clone()).collect()),
        };
        match parsed.as_slice() {
            [single] => as_value(single),
            files => Value::Object(
                files
                    .iter()
                    .map(|f| (f.path.clone(), as_value(f)))
                    .collect::<Map<_, _>>(),
            ),
        }
    };
    outln!("{}", serde_json::to_string_pretty(&value)?);
    Ok(0)
}
