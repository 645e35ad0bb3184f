"""The local Productive-compatible server (the emulator)."""
