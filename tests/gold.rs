//! Gold-set evaluation (filled in by the core library work).
