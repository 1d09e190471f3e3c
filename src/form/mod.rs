//! Forms (biểu mẫu): the versioned definition, its formulas, the compiled formula
//! grid every evaluator shares, the `.xlsx` template importer and the worksheet
//! writer that draws a form back as provinces print it.

pub mod diff;
pub mod formula;
pub mod grid;
pub mod import;
pub mod model;

pub mod validate;
pub mod workbook;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod schema_check;

pub use diff::{Change, ChangeKind, ChangeTarget};
pub use import::{import_template, Diagnostic, ImportOptions, Imported, TemplateError};
pub use model::{
    CellPos, CellRef, Column, ColumnRole, FormDef, FormKind, LabelRow, Layout, LineRole, Relation,
    Row, RowRole, Span, TableColumn, TableColumnKind, TextLine, ValueType,
};
pub use validate::Problem;
pub use workbook::{export_blank_template, write_form_sheet, SheetLayout, SheetOptions};
