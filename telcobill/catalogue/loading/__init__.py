"""Reading a catalogue TOML file: fields and problems, the checked spec, the writer."""
