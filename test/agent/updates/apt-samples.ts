// Captured-style output of `apt-get -s -q -o Debug::NoLocking=1 upgrade` and dpkg-query on a
// Debian 12 machine (written by hand after real runs; versions are Debian's own).

export const APT_SIMULATE_MIXED = `NOTE: This is only a simulation!
      apt-get needs root privileges for real execution.
      Keep also in mind that locking is deactivated,
      so don't depend on the relevance to the real current situation!
Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following packages have been kept back:
  linux-image-amd64
The following NEW packages will be installed:
  linux-image-6.1.0-37-amd64
The following packages will be upgraded:
  base-files libgcrypt20 liblzma5 libssl3 openssl tzdata
6 upgraded, 1 newly installed, 1 to remove and 1 not upgraded.
Remv libfoo1 [1.2-3]
Inst base-files [12.4+deb12u11] (12.4+deb12u15 Debian:12.15/oldstable [amd64])
Conf base-files (12.4+deb12u15 Debian:12.15/oldstable [amd64])
Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])
Conf libgcrypt20 (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])
Inst liblzma5 [5.4.1-1] (5.4.1-1+deb12u2 Debian-Security:12/oldstable-security [amd64]) []
Inst libssl3 [3.0.15-1~deb12u1] (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64]) []
Inst openssl [3.0.15-1~deb12u1] (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64])
Inst tzdata [2024b-0+deb12u1] (2025b-0+deb12u1 Debian:12.11/stable-updates [all])
Inst linux-image-6.1.0-37-amd64 (6.1.140-1 Debian-Security:12/stable-security [amd64])
Conf liblzma5 (5.4.1-1+deb12u2 Debian-Security:12/oldstable-security [amd64])
Conf libssl3 (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64])
Conf openssl (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64])
Conf tzdata (2025b-0+deb12u1 Debian:12.11/stable-updates [all])
Conf linux-image-6.1.0-37-amd64 (6.1.140-1 Debian-Security:12/stable-security [amd64])
`;

export const APT_SIMULATE_NOTHING = `Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
`;

export const DPKG_BEFORE = [
  'base-files\t12.4+deb12u11\tii ',
  'libgcrypt20:amd64\t1.10.1-3\tii ',
  'liblzma5:amd64\t5.4.1-1\tii ',
  'libssl3:amd64\t3.0.15-1~deb12u1\tii ',
  'openssl\t3.0.15-1~deb12u1\tii ',
  'tzdata\t2024b-0+deb12u1\tii ',
  'oldconf\t1.0\trc ',
  '',
].join('\n');

export const DPKG_AFTER_SECURITY = [
  'base-files\t12.4+deb12u11\tii ',
  'libgcrypt20:amd64\t1.10.1-3+deb12u1\tii ',
  'liblzma5:amd64\t5.4.1-1+deb12u2\tii ',
  'libssl3:amd64\t3.0.16-1~deb12u1\tii ',
  'linux-image-6.1.0-37-amd64\t6.1.140-1\tii ',
  'openssl\t3.0.16-1~deb12u1\tii ',
  'tzdata\t2024b-0+deb12u1\tii ',
  'oldconf\t1.0\trc ',
  '',
].join('\n');
