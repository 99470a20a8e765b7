// TracemapEnrich: placeholder until its first file lands.
