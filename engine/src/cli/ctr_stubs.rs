//! Placeholders for container commands the containers half has not written yet.
//!
//! CTR: when you add a real `cmd_X` in engine/src/container/, delete its stub here (you may
//! edit this file for exactly that).

// Every container command is now real (engine/src/container/); nothing left to stub.
