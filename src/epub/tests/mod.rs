mod container;
mod epubcheck;
mod escaping;
mod pages;
mod structure;
mod support;
