/** The offline all-MiniLM-L6-v2 embedder, registered as provider "local". */
package org.mnemo.embedder.minilm;
