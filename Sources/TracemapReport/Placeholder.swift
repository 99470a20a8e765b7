// TracemapReport: placeholder until its first file lands.
