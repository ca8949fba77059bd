//! The Cvety.kz models (filled in by the foundation work).
