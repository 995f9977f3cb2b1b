//! The `wslab` binary. The command line arrives in a later commit of this series.

fn main() {}
