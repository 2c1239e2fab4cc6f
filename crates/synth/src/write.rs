//! Writes synthetic rows in the interchange format (DESIGN.md "households.csv", "members.csv and
//! events.csv"). Values never contain commas, quotes or line breaks, so no quoting is needed.

use std::io::{self, Write};

use bamho_domain::Class;

use crate::people::Person;
use crate::{Sinks, Summary, SynthError};

/// One row of households.csv.
#[derive(Debug)]
pub struct HouseholdRow<'a> {
    pub year: u16,
    pub code: &'a str,
    pub province: &'a str,
    pub commune: &'a str,
    pub village: &'a str,
    pub area: &'a str,
    pub agricultural: bool,
    pub ethnicity: &'a str,
    pub members: usize,
    pub income: Option<u64>,
    pub b1: Option<u16>,
    pub indicators: usize,
    pub mask: u16,
    pub class: Class,
}

#[derive(Debug)]
pub struct Writer<'s, W: Write> {
    sinks: &'s mut Sinks<W>,
    columns: usize,
    line: Vec<u8>,
    summary: Summary,
}

impl<'s, W: Write> Writer<'s, W> {
    pub fn new(sinks: &'s mut Sinks<W>, columns: usize) -> io::Result<Self> {
        let mut header = String::from(
            "year,household_code,province_code,commune_code,village_code,area,agricultural,\
             head_ethnicity,members,income_per_capita,b1_score",
        );
        for i in 1..=columns {
            header.push_str(&format!(",d{i:02}"));
        }
        header.push_str(",class\n");
        sinks.households.write_all(header.as_bytes())?;
        sinks.members.write_all(
            b"household_code,person_no,full_name,sex,birth_year,ethnicity,citizen_id,relation\n",
        )?;
        sinks
            .events
            .write_all(b"year,household_code,event,other_household_code\n")?;
        Ok(Self {
            sinks,
            columns,
            line: Vec::with_capacity(256),
            summary: Summary::default(),
        })
    }

    pub fn household(&mut self, r: &HouseholdRow<'_>) -> io::Result<()> {
        let l = &mut self.line;
        l.clear();
        write!(
            l,
            "{},{},{},{},{},{},{},{},{},",
            r.year,
            r.code,
            r.province,
            r.commune,
            r.village,
            r.area,
            u8::from(r.agricultural),
            r.ethnicity,
            r.members
        )?;
        if let Some(income) = r.income {
            write!(l, "{income}")?;
        }
        l.push(b',');
        if let Some(b1) = r.b1 {
            write!(l, "{b1}")?;
        }
        for i in 0..self.columns {
            l.push(b',');
            if i < r.indicators {
                l.push(if r.mask & (1 << i) != 0 { b'1' } else { b'0' });
            }
        }
        l.push(b',');
        l.extend_from_slice(r.class.as_str().as_bytes());
        l.push(b'\n');
        self.summary.household_rows += 1;
        self.sinks.households.write_all(l)
    }

    pub fn members(&mut self, code: &str, members: &[Person]) -> io::Result<()> {
        self.summary.households += 1;
        for p in members {
            self.summary.members += 1;
            writeln!(
                self.sinks.members,
                "{code},{},{},{},{},{},{},{}",
                p.no,
                p.full_name,
                p.sex.as_str(),
                p.birth_year,
                p.ethnicity,
                p.citizen_id,
                p.relation.as_str()
            )?;
        }
        Ok(())
    }

    pub fn event(&mut self, year: u16, code: &str, event: &str, other: &str) -> io::Result<()> {
        self.summary.events += 1;
        writeln!(self.sinks.events, "{year},{code},{event},{other}")
    }

    pub fn finish(self) -> Result<Summary, SynthError> {
        self.sinks.households.flush()?;
        self.sinks.members.flush()?;
        self.sinks.events.flush()?;
        Ok(self.summary)
    }
}
