/** The offline bge-small-en-v1.5 embedder, registered as provider "bge-small". */
package org.mnemo.embedder.bge;
