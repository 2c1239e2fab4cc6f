//! Tables as Apache Parquet files, for analysts: counts as 64-bit integers, everything else as
//! UTF-8 text, an empty cell as a null; Snappy-compressed, one row group per [`ROW_GROUP`] rows.
//! The file is written whole or not at all ([`Whole`]).

use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::whole::Whole;

/// Rows per row group: large enough to compress well, small enough to stream.
pub const ROW_GROUP: usize = 100_000;

/// Writes `rows` under `header` to `path`; `numeric[i]` makes column i a nullable INT64, the
/// others nullable strings. A numeric cell that is not a whole number is an error naming its row
/// and column, and nothing is left at `path`.
pub fn write(
    path: &Path,
    header: &[String],
    numeric: &[bool],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    write_to(Whole::create(path)?, header, numeric, rows)?.commit()
}

fn write_to(
    file: Whole,
    header: &[String],
    numeric: &[bool],
    rows: &[Vec<String>],
) -> std::io::Result<Whole> {
    let fields = header
        .iter()
        .zip(numeric)
        .map(|(name, number)| {
            let field = if *number {
                Type::primitive_type_builder(name, Physical::INT64)
            } else {
                Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
                    .with_logical_type(Some(LogicalType::String))
            };
            field
                .with_repetition(Repetition::OPTIONAL)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(std::io::Error::other)?;
    let schema = Type::group_type_builder("bamho")
        .with_fields(fields)
        .build()
        .map_err(std::io::Error::other)?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by("bamho".into())
        .build();
    let mut writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(properties))
        .map_err(std::io::Error::other)?;
    for (group_no, group) in rows.chunks(ROW_GROUP).enumerate() {
        let mut row_group = writer.next_row_group().map_err(std::io::Error::other)?;
        let mut column = 0;
        while let Some(mut writer) = row_group.next_column().map_err(std::io::Error::other)? {
            let cells = group
                .iter()
                .map(|r| r.get(column).map_or("", String::as_str));
            let levels: Vec<i16> = cells.clone().map(|c| i16::from(!c.is_empty())).collect();
            if numeric[column] {
                let values = cells
                    .enumerate()
                    .filter(|(_, c)| !c.is_empty())
                    .map(|(i, c)| {
                        c.parse::<i64>().map_err(|_| {
                            std::io::Error::new(
                                std::io::ErrorKind::InvalidData,
                                format!(
                                    "row {}, column {}: {c:?} is not a whole number",
                                    group_no * ROW_GROUP + i + 1,
                                    header[column]
                                ),
                            )
                        })
                    })
                    .collect::<Result<Vec<i64>, _>>()?;
                writer
                    .typed::<Int64Type>()
                    .write_batch(&values, Some(&levels), None)
            } else {
                let values: Vec<ByteArray> = cells
                    .filter(|c| !c.is_empty())
                    .map(|c| ByteArray::from(c.as_bytes().to_vec()))
                    .collect();
                writer
                    .typed::<ByteArrayType>()
                    .write_batch(&values, Some(&levels), None)
            }
            .map_err(std::io::Error::other)?;
            writer.close().map_err(std::io::Error::other)?;
            column += 1;
        }
        row_group.close().map_err(std::io::Error::other)?;
    }
    writer.into_inner().map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn numbers_text_and_empty_cells_read_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let header = strings(&["year", "village_code", "income_per_capita", "class"]);
        let rows = vec![
            strings(&["2025", "23365-T01", "1500000", "poor"]),
            strings(&["2025", "23365-T02", "", "Hộ nghèo"]),
        ];
        write(&path, &header, &[true, false, true, false], &rows).unwrap();
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
        let read: Vec<Vec<Field>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                r.unwrap()
                    .get_column_iter()
                    .map(|(_, f)| f.clone())
                    .collect()
            })
            .collect();
        assert_eq!(read[0][0], Field::Long(2025));
        assert_eq!(read[0][1], Field::Str("23365-T01".into()));
        assert_eq!(read[0][2], Field::Long(1_500_000));
        assert_eq!(read[1][2], Field::Null);
        assert_eq!(read[1][3], Field::Str("Hộ nghèo".into()));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_cell_that_is_not_a_number_is_named_and_nothing_is_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let rows = vec![strings(&["2025"]), strings(&["20x5"])];
        let err = write(&path, &strings(&["year"]), &[true], &rows).unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 2, column year: \"20x5\" is not a whole number"
        );
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
