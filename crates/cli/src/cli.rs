//! The command line (DESIGN.md "Command line": a contract that tests and benchmarks call).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "bamho",
    version,
    about = "Household poverty registry, annual review and analytics"
)]
pub struct Cli {
    /// Language of messages and tables.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "vi",
        env = "BAMHO_LANG"
    )]
    pub lang: Lang,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Vi,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AreaArg {
    DakGlei,
    Nation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// What `report` writes: a table to read, JSON (DESIGN.md), or the official workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    PostingList,
    Households,
    Members,
    Caseloads,
    Microdata,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BoundariesArg {
    Recorded,
    Current,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; the password is read from standard input (one line).
    Add {
        #[arg(long)]
        db: String,
        #[arg(long)]
        username: String,
        /// province_admin, commune_officer, village_head, supporter or viewer.
        #[arg(long)]
        role: String,
        /// A province or commune in force today, or a village code for a village head.
        #[arg(long)]
        scope: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the demo database (the former Đăk Glei district) if absent, and summarise it.
    Demo {
        #[arg(long, default_value = "./bamho-demo.sqlite")]
        db: String,
        /// Where the web application listens.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Build and summarise only; do not serve.
        #[arg(long, hide = true)]
        no_serve: bool,
    },
    /// Serve the web application and API.
    Serve {
        #[arg(long)]
        db: String,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// Write the review questionnaire of a year's standard as an XLSForm (ODK Collect, KoBoToolbox).
    Xlsform {
        #[arg(long)]
        year: u16,
        #[arg(long)]
        out: PathBuf,
    },
    /// Convert every text cell of a CSV file or a workbook from legacy Vietnamese encodings
    /// (TCVN3, VNI, VISCII, Windows-1258, NFD) to Unicode, and say what changed. An .xlsx or
    /// .ods keeps its kind and formatting; an .xls is written as an .xlsx.
    FixText {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Create or upgrade a database's schema.
    Migrate {
        #[arg(long)]
        db: String,
    },
    /// Write synthetic households.csv, members.csv and events.csv.
    Generate {
        #[arg(long)]
        households: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A year or a range, e.g. 2022-2025.
        #[arg(long, default_value = "2022-2025")]
        years: String,
        #[arg(long, value_enum, default_value = "dak-glei")]
        area: AreaArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import households, members and events files: all rows or none.
    Import {
        #[arg(long)]
        db: String,
        /// Check everything and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace household-years already in the database (audited).
        #[arg(long)]
        replace: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Classify a year's rows of a households.csv, without a database.
    Classify {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Alkire–Foster measures (H, A, M0, headcounts, contributions) of a CSV, by group.
    Af {
        #[arg(long)]
        input: PathBuf,
        /// The poverty cut-off: 0.25 or 3/12.
        #[arg(long)]
        k: String,
        /// TOML file of `indicator = weight` (weights sum to 1); default equal weights over d01…
        #[arg(long)]
        weights: Option<PathBuf>,
        /// Decompose by this column.
        #[arg(long)]
        by: Option<String>,
        /// Only the rows of this year (when the input has a year column).
        #[arg(long)]
        year: Option<u16>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Lists and data out: posting-list, households, members, caseloads, microdata.
    Export {
        #[arg(long)]
        db: String,
        #[arg(long)]
        what: ExportWhat,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// A province or commune in force today, or a village code.
        #[arg(long)]
        scope: Option<String>,
        /// Microdata with household codes and heads' names (the command line acts with the
        /// database owner's rights).
        #[arg(long)]
        with_names: bool,
        #[arg(long)]
        out: PathBuf,
    },
    /// Poor and near-poor counts and rates, in total or by keys.
    Report {
        #[arg(long, conflicts_with = "input", required_unless_present = "input")]
        db: Option<String>,
        /// A province or commune code in force today, or a village code.
        #[arg(long, requires = "db")]
        scope: Option<String>,
        #[arg(long)]
        input: Option<PathBuf>,
        #[arg(long)]
        year: u16,
        /// Comma-separated: province, district, commune, village, ethnicity, minority, area.
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        #[arg(long, value_enum, default_value = "recorded")]
        boundaries: BoundariesArg,
        /// xlsx: the official workbook (needs --out).
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        /// The year's changes in poor households (report form 7.2) and the transition matrix.
        #[arg(long)]
        changes: bool,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}
