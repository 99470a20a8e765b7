// TracemapPacket: placeholder until its first file lands.
