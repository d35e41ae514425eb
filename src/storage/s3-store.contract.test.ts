import { s3TestStore } from './s3-test-support.js';
import { objectStoreContract } from './store-contract.js';

// The contract on two S3 implementations: SeaweedFS and moto's server, each on a fresh bucket.
objectStoreContract('S3 on SeaweedFS', () => s3TestStore('seaweedfs'));
objectStoreContract('S3 on moto', () => s3TestStore('moto'));
