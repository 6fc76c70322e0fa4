/**
 * The lab's private network ({@code --network isolated}): a Linux network namespace holding only loopback, each node on
 * its own 127.0.0.N address, partitions and packet loss as nftables drop rules in a private table, and what the
 * cluster's failure detector and Split Brain Resolver did about them.
 */
package org.memtypelab.lab.network;
