//! Creating and editing households and their members. A household that splits keeps its code and
//! the new one gets a new code; a merge moves the members and records the lineage. Every change is
//! audited under the household's key.

use async_trait::async_trait;

use crate::StoreError;

/// A member as entered in a form, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInput {
    /// Unicode NFC.
    pub full_name: String,
    pub sex: String,
    pub birth_year: u16,
    pub ethnicity: String,
    pub citizen_id: Option<String>,
    pub relation: String,
}

#[async_trait]
pub trait Editing: Send + Sync {
    /// Registers a household in a village with its head; returns the new household code
    /// (`<commune>-<number>`, never reused).
    async fn create_household(
        &self,
        village_code: &str,
        head: &MemberInput,
        actor: &str,
        at: &str,
    ) -> Result<String, StoreError>;

    /// Updates member `person_no`, or adds a member when `None`; returns the member's number.
    async fn save_member(
        &self,
        household: &str,
        person_no: Option<u16>,
        member: &MemberInput,
        actor: &str,
        at: &str,
    ) -> Result<u16, StoreError>;

    async fn remove_member(
        &self,
        household: &str,
        person_no: u16,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// Moves a household to another village.
    async fn move_household(
        &self,
        household: &str,
        village_code: &str,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;

    /// Splits the given members off into a new household of the same village; returns its code.
    async fn split_household(
        &self,
        household: &str,
        person_nos: &[u16],
        year: u16,
        actor: &str,
        at: &str,
    ) -> Result<String, StoreError>;

    /// Merges a household into another: its members move there, the lineage is recorded.
    async fn merge_household(
        &self,
        household: &str,
        into: &str,
        year: u16,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError>;
}
