// TracemapNet: placeholder until its first file lands.
