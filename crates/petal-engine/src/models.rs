//! Reading the models: the source scanner over the configured directory.

use petal_syntax::{ScannedModels, scan_dir};

use crate::error::EngineError;
use crate::settings::Settings;

/// The models as written (not yet canonicalized), with their locations.
pub fn scan(settings: &Settings) -> Result<ScannedModels, EngineError> {
    if !settings.models_dir.is_dir() {
        return Err(EngineError::Config(format!(
            "the models directory {} does not exist (set `models` in petal.toml)",
            settings.models_dir.display()
        )));
    }
    Ok(scan_dir(&settings.models_dir)?)
}
