//! The visible seal an edition carries, and what places it on the page.

pub mod appearance;
