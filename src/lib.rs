//! podmortem reconstructs what happened when Kubernetes Pods were stopped,
//! from the logs a node and the API left behind.
//!
//! Data flows one way:
//! `input` (files, dirs, stdin, gzip) → `envelope` (journald, syslog, CRI,
//! JSON) → `parse` (kubelet, containerd, kernel, app) → [`event::Event`] →
//! `correlate` (per-Pod timelines) → `findings` (rules) → `report` (table,
//! JSON, per-Pod view).

pub mod cli;
pub mod commands;
pub mod correlate;
pub mod envelope;
pub mod event;
pub mod findings;
pub mod input;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod report;
pub mod time;
