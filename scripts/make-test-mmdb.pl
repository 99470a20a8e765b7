#!/usr/bin/perl
# Writes a small MaxMind DB file for the enrichment tests, mapping the documentation ranges (RFC 5737, RFC 3849)
# to real cities and documentation AS numbers (RFC 5398).
#   make-test-mmdb.pl KIND OUTPUT
# KIND: city (GeoLite2-City layout), dbip-city (DB-IP City Lite: the same layout, no accuracy radius),
#       ipinfo-city (IPinfo's flat keys, coordinates as text), asn (GeoLite2-ASN), ipinfo-asn (IPinfo ASN).
# Needs Debian's libmaxmind-db-writer-perl.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($kind, $output) = @ARGV;
die "usage: $0 city|dbip-city|ipinfo-city|asn|ipinfo-asn OUTPUT\n" unless defined $output;

my @places = (
    ['192.0.2.0/24',    'Frankfurt am Main', 'Hesse',         'Germany',       'DE', 50.1109,  8.6821,  20, 64500, 'EXAMPLE-FRA Example Frankfurt'],
    ['198.51.100.0/24', 'Amsterdam',         'North Holland', 'Netherlands',   'NL', 52.3676,  4.9041,  10, 64501, 'EXAMPLE-AMS Example Amsterdam'],
    ['203.0.113.0/24',  'New York',          'New York',      'United States', 'US', 40.7128, -74.0060, 50, 64502, 'EXAMPLE-NYC Example New York'],
    ['2001:db8::/32',   'Tokyo',             'Tokyo',         'Japan',         'JP', 35.6762, 139.6503, 100, 64503, 'EXAMPLE-TYO Example Tokyo'],
);

my %types = (
    city => 'map', continent => 'map', country => 'map', location => 'map', names => 'map',
    subdivisions => ['array', 'map'], en => 'utf8_string', iso_code => 'utf8_string',
    latitude => 'double', longitude => 'double', accuracy_radius => 'uint16', geoname_id => 'uint32',
    region => 'utf8_string', lat => 'utf8_string', lng => 'utf8_string', postal_code => 'utf8_string',
    timezone => 'utf8_string',
    autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
    asn => 'utf8_string', name => 'utf8_string', domain => 'utf8_string', route => 'utf8_string',
    type => 'utf8_string',
);
# IPinfo's `city` and `country` are plain strings, where the MaxMind layout has maps.
if ($kind eq 'ipinfo-city') {
    $types{city} = 'utf8_string';
    $types{country} = 'utf8_string';
}

my %database_type = (
    'city' => 'GeoLite2-City', 'dbip-city' => 'DBIP-City-Lite', 'ipinfo-city' => 'ipinfo standard_location.mmdb',
    'asn' => 'GeoLite2-ASN', 'ipinfo-asn' => 'ipinfo asn.mmdb',
);
die "unknown kind $kind\n" unless exists $database_type{$kind};

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 6,
    record_size => 28,
    database_type => $database_type{$kind},
    languages => ['en'],
    description => { en => "tracemap test database ($kind)" },
    map_key_type_callback => sub { $types{ $_[0] } },
    # The documentation ranges are reserved space, which the writer drops unless told not to.
    remove_reserved_networks => 0,
);

for my $place (@places) {
    my ($network, $city, $region, $country, $code, $lat, $lon, $radius, $asn, $org) = @$place;
    my $record;
    if ($kind eq 'city' || $kind eq 'dbip-city') {
        $record = {
            city => { names => { en => $city } },
            subdivisions => [ { names => { en => $region } } ],
            country => { iso_code => $code, names => { en => $country } },
            location => { latitude => $lat, longitude => $lon,
                          ($kind eq 'city' ? (accuracy_radius => $radius) : ()) },
        };
    } elsif ($kind eq 'ipinfo-city') {
        $record = { city => $city, region => $region, country => $code, lat => "$lat", lng => "$lon",
                    postal_code => '00000', timezone => 'UTC' };
    } elsif ($kind eq 'asn') {
        $record = { autonomous_system_number => $asn, autonomous_system_organization => $org };
    } else {
        $record = { asn => "AS$asn", name => $org, domain => 'example.net', route => $network, type => 'isp' };
    }
    $tree->insert_network($network, $record);
}

open my $fh, '>:raw', $output or die "cannot write $output: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $output: $!\n";
