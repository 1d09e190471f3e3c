//! `baocao text …`: legacy Vietnamese text.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};
use crate::fields;
use crate::ops::text;
use crate::output::Format;
use crate::text::Encoding;

#[derive(Debug, Subcommand)]
pub enum TextCmd {
    /// Tell whether text is Unicode, TCVN3 (ABC) or VNI.
    Detect(DetectArgs),
    /// Convert TCVN3 or VNI text to Unicode NFC (TCVN 6909:2001).
    Convert(ConvertArgs),
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// The text (default: standard input).
    pub text: Option<String>,
    /// Read the text from this file instead.
    #[arg(long)]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The text (default: standard input).
    pub text: Option<String>,
    /// Read the text from this file instead.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// tcvn3 | vni | auto
    #[arg(long, default_value = "auto")]
    pub from: String,
    /// The text was typed in a TCVN3 upper-case font (.VnTimeH).
    #[arg(long)]
    pub upper_font: bool,
}

/// Reads the text argument, a file, or standard input. A file or input that is not UTF-8
/// is a legacy 8-bit file (TCVN3, VNI): see [`text::from_bytes`].
fn source(text: Option<String>, file: Option<PathBuf>) -> Result<String> {
    if let Some(t) = text {
        return Ok(t);
    }
    let mb = crate::files::MAX_IMPORT_BYTES / 1024 / 1024;
    let bytes = match file {
        Some(f) => crate::files::read_regular(&f, crate::files::MAX_IMPORT_BYTES, mb)?,
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(crate::files::MAX_IMPORT_BYTES)
                .read_to_end(&mut buf)?;
            buf
        }
    };
    Ok(text::from_bytes(&bytes))
}

pub fn run(ctx: &Ctx, cmd: TextCmd) -> Result<()> {
    match cmd {
        TextCmd::Detect(a) => {
            let t = source(a.text, a.file)?;
            ctx.out.emit(
                &serde_json::to_value(text::detect(&t))?,
                fields![
                    ("encoding", "Bảng mã", "Encoding"),
                    ("label", "Tên", "Name"),
                    ("unicode", "Văn bản Unicode", "Unicode text")
                ],
            )
        }
        TextCmd::Convert(a) => {
            let t = source(a.text, a.file)?;
            let from = &a.from;
            let enc = if from.trim().eq_ignore_ascii_case("auto") {
                None
            } else {
                Some(from.parse::<Encoding>().map_err(|_| {
                    Error::new(
                        Kind::Usage,
                        Msg::new(
                            format!("Bảng mã «{from}» không hỗ trợ (tcvn3, vni, auto)"),
                            format!("Unsupported encoding «{from}» (tcvn3, vni, auto)"),
                        ),
                    )
                })?)
            };
            let c = text::convert(&t, enc, a.upper_font);
            let enc = c.from;
            if enc != Encoding::Unicode {
                ctx.out.note(Msg::new(
                    format!("Đã chuyển từ {} sang Unicode", enc.label()),
                    format!("Converted from {} to Unicode", enc.label()),
                ));
            }
            match ctx.out.format {
                Format::Json => ctx.out.emit(&serde_json::to_value(&c)?, &[]),
                _ => ctx.out.text(&c.text),
            }
        }
    }
}
