//! Id newtypes, so an `EntryId` can never be passed where a `PromptId` is meant.
//!
//! Ids are database keys. They are internal: they never appear in public output,
//! which uses slugs and content hashes instead.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A study (one gallery).
    StudyId
);
id_type!(
    /// A staff account in the workspace.
    UserId
);
id_type!(
    /// A prompt participants answered with photos.
    PromptId
);
id_type!(
    /// An analytic theme.
    ThemeId
);
id_type!(
    /// A participant, known publicly only by pseudonym.
    ParticipantId
);
id_type!(
    /// One gallery entry.
    EntryId
);
id_type!(
    /// A stored original image (private) with its public derivatives.
    ImageId
);
id_type!(
    /// An immutable published snapshot.
    ReleaseId
);
