#!/usr/bin/perl
# dmarc_report_read.pl FILE.xml - an independent reader of a DMARC
# aggregate report: Mail::DMARC's (Debian's libmail-dmarc-perl) receiver
# parses it; prints "domain=D records=N messages=M" and one line per
# record: "record ip=IP count=C disposition=D dkim=P spf=P".
use strict;
use warnings;
use Mail::DMARC::Report::Receive;
use XML::LibXML;

my $file = shift or die "usage: $0 FILE.xml\n";
open my $fh, '<', $file or die "$file: $!\n";
my $xml = do { local $/; <$fh> };
my $r = Mail::DMARC::Report::Receive->new;
my $dom = XML::LibXML->load_xml( string => $xml );
$r->do_node_report_metadata( $dom->findnodes('/feedback/report_metadata') );
$r->do_node_policy_published( $dom->findnodes('/feedback/policy_published') );
$r->do_node_record($_) for $dom->findnodes('/feedback/record');
my $agg = $r->report->aggregate;
my ( $n, $m ) = ( 0, 0 );
my @lines;
for my $rec ( @{ $agg->record || [] } ) {
    $n++;
    $m += $rec->row->count;
    my $pe = $rec->row->policy_evaluated;
    push @lines, sprintf "record ip=%s count=%d disposition=%s dkim=%s spf=%s",
      $rec->row->source_ip, $rec->row->count, $pe->disposition, $pe->dkim,
      $pe->spf;
}
printf "domain=%s records=%d messages=%d report_id=%s\n",
  $agg->policy_published->domain, $n, $m, $agg->metadata->report_id;
print "$_\n" for @lines;
