// Creates a blob container on an Azure endpoint (Azurite in the tests), with Microsoft's SDK:
// node create-container.mjs ENDPOINT ACCOUNT KEY NAME
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';

const [endpoint, account, key, name] = process.argv.slice(2);
const service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(account, key));
await service.getContainerClient(name).create();
