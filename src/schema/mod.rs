//! Option schema of every pjsip.conf object type (filled in by the schema work).
