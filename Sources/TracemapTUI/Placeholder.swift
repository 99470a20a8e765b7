// TracemapTUI: placeholder until its first file lands.
