//! The Cvety.kz HTTP API.
