// TracemapSim: placeholder until its first file lands.
